/** Listener rule priorities: each service's is its own, whatever the others do. */
import { expect } from "chai";
import { DEFAULT_ROUTE_PRIORITY, nameSlot, PRIORITY_SLOTS, routePriorities, RoutedService } from "../lib/routing";

const svc = (name: string, extra: Partial<RoutedService> = {}): RoutedService => ({ name, port: 8080, paths: [`/${name}/*`], ...extra });

describe("route priorities", () => {
  it("do not move when a service is added before the others, removed, or the order changes", () => {
    const before = routePriorities([svc("web", { paths: [] }), svc("api"), svc("admin")]);
    const added = routePriorities([svc("billing"), svc("web", { paths: [] }), svc("api"), svc("admin")]);
    const reordered = routePriorities([svc("admin"), svc("api"), svc("web", { paths: [] })]);
    const removed = routePriorities([svc("web", { paths: [] }), svc("admin")]);
    for (const name of ["api", "admin", "web"]) {
      expect(added.get(name), name).to.equal(before.get(name));
      expect(reordered.get(name), name).to.equal(before.get(name));
    }
    expect(removed.get("admin")).to.equal(before.get("admin"));
  });

  it("are 10 × a slot (so each test rule, 1 below, never meets another rule); the default route is last", () => {
    const p = routePriorities([svc("web", { paths: [] }), svc("api"), svc("worker", { port: undefined, paths: [] })]);
    expect(p.get("web")).to.equal(DEFAULT_ROUTE_PRIORITY);
    expect(p.get("api")).to.equal(nameSlot("api") * 10);
    expect(p.has("worker")).to.equal(false);
    expect(nameSlot("api")).to.be.within(1, PRIORITY_SLOTS);
  });

  it("take an explicit priority as the order of overlapping paths", () => {
    const p = routePriorities([svc("api", { priority: 2 }), svc("api-v2", { priority: 1 })]);
    expect(p.get("api-v2")).to.equal(10);
    expect(p.get("api")).to.equal(20);
  });

  it("resolve a slot collision by name order, deterministically", () => {
    // Find two names that share a slot.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const name = `s${i}`;
      const slot = nameSlot(name);
      if (seen.has(slot)) pair = [seen.get(slot)!, name];
      else seen.set(slot, name);
    }
    const [a, b] = pair.sort();
    const p = routePriorities([svc(b), svc(a)]);
    expect(p.get(a)).to.equal(nameSlot(a) * 10);
    expect(p.get(b)).to.equal(((nameSlot(a) % PRIORITY_SLOTS) + 1) * 10);
    expect(routePriorities([svc(a), svc(b)])).to.deep.equal(p);
  });

  it("a hashed slot gives way to an explicit priority that takes it", () => {
    const slot = nameSlot("api");
    const p = routePriorities([svc("api"), svc("admin", { priority: slot })]);
    expect(p.get("admin")).to.equal(slot * 10);
    expect(p.get("api")).to.equal(((slot % PRIORITY_SLOTS) + 1) * 10);
  });
});

/**
 * Renders Ferry's events for a terminal or a CI log: one line per step, resource change and warning.
 * On a TTY a single status line shows the resource being worked on; elsewhere there is no spinner or
 * cursor movement, only plain lines.
 */
import type { EngineEventLike, EventSink, FerryEvent } from "../automation";
import { Terminal } from "./terminal";

const CHANGING = ["create", "update", "replace", "delete", "create-replacement", "delete-replaced"];

export function progress(term: Terminal, tty: boolean): EventSink & { done(): void } {
  let transient = false;
  const clear = () => {
    if (transient) term.err("\r\x1b[2K");
    transient = false;
  };
  const line = (text: string) => {
    clear();
    term.err(`${text}\n`);
  };
  const sink = (e: FerryEvent) => {
    if (e.kind === "step") line(`[${e.stack}] ${e.step}: ${e.message}`);
    else if (e.kind === "warning") line(`[${e.stack}] WARNING: ${e.message}`);
    else engine(e.stack, e.event);
  };
  const engine = (stack: string, ev: EngineEventLike) => {
    const name = (urn?: string) => (urn ? urn.slice(urn.lastIndexOf("::") + 2) : "");
    if (ev.resourcePreEvent?.metadata && tty) {
      const m = ev.resourcePreEvent.metadata;
      if (m.op && CHANGING.includes(m.op)) {
        clear();
        term.err(`  … ${m.op} ${m.type ?? ""} ${name(m.urn)}`);
        transient = true;
      }
    } else if (ev.resOutputsEvent?.metadata) {
      const m = ev.resOutputsEvent.metadata;
      if (m.op && CHANGING.includes(m.op)) line(`  [${stack}] ${m.op} ${m.type ?? ""} ${name(m.urn)}`);
    } else if (ev.resOpFailedEvent?.metadata) {
      const m = ev.resOpFailedEvent.metadata;
      line(`  [${stack}] FAILED ${m.op ?? ""} ${m.type ?? ""} ${name(m.urn)}`);
    } else if (ev.diagnosticEvent && (ev.diagnosticEvent.severity === "error" || ev.diagnosticEvent.severity === "warning" || /deployment check/.test(ev.diagnosticEvent.message ?? ""))) {
      const text = (ev.diagnosticEvent.message ?? "").trim();
      if (text) line(`  [${stack}] ${ev.diagnosticEvent.severity}: ${text}`);
    }
  };
  return Object.assign(sink, { done: clear });
}

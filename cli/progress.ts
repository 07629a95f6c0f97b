/**
 * Renders Ferry's events for a terminal or a CI log: one line per step, resource change and warning.
 * On a TTY a single status line shows the resource being worked on; elsewhere there is no spinner or
 * cursor movement, only plain lines.
 */
import type { EngineEventLike, EventSink, FerryEvent } from "../automation";
import { Terminal } from "./terminal";

const CHANGING = ["create", "update", "replace", "delete", "create-replacement", "delete-replaced"];

/**
 * What a person sees of an engine diagnostic, or nothing. The real engine streams every SDK debug log
 * as a diagnostic of severity "debug" (one of them carries a dynamic provider's whole source): never
 * shown. Errors and warnings are; of the info lines only the deployment check's progress, which a
 * provider's `log.info` sends as "info: [runtime] deployment check: …" with no resource. Those
 * prefixes go, and so does the engine's closing "update failed" when the real error was said.
 */
export function diagnosticLine(d: { severity?: string; message?: string }): string | undefined {
  if (d.severity !== "error" && d.severity !== "warning" && d.severity !== "info") return undefined;
  const text = (d.message ?? "")
    .trim()
    .replace(/^(error|warning|info): /, "")
    .replace(/^\[runtime\] /, "")
    .trim();
  if (!text) return undefined;
  if (d.severity === "info") return /^deployment check: /.test(text) ? text : undefined;
  if (d.severity === "error" && /^update failed$/.test(text)) return undefined;
  return `${d.severity}: ${text}`;
}

export function progress(term: Terminal, tty: boolean): EventSink & { done(): void } {
  const lastDiagnostic = new Map<string, string>();
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
    } else if (ev.diagnosticEvent) {
      const shown = diagnosticLine(ev.diagnosticEvent);
      // The same line again (the engine repeats some diagnostics) is said once.
      if (shown && shown !== lastDiagnostic.get(stack)) line(`  [${stack}] ${shown}`);
      if (shown) lastDiagnostic.set(stack, shown);
    }
  };
  return Object.assign(sink, { done: clear });
}

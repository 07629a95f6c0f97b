/**
 * What Ferry tells an embedding tool while it works: its own steps, warnings, and the Pulumi engine's
 * events passed through. A small union, not strings, so a web tool or chat bot can render each kind.
 */

export type Step =
  | "read-source"
  | "scan-gate"
  | "verify"
  | "set-config"
  | "preview"
  | "approval"
  | "update"
  | "tag"
  | "commit"
  | "push"
  | "restore"
  | "status"
  | "continue-deployment";

export type FerryEvent =
  | { kind: "step"; stack: string; step: Step; message: string }
  | { kind: "warning"; stack: string; message: string }
  | { kind: "engine"; stack: string; event: EngineEventLike };

/** The part of a Pulumi engine event Ferry looks at; the whole event is passed through. */
export interface EngineEventLike {
  sequence?: number;
  resourcePreEvent?: { metadata?: { op?: string; urn?: string; type?: string } };
  resOutputsEvent?: { metadata?: { op?: string; urn?: string; type?: string } };
  resOpFailedEvent?: { metadata?: { op?: string; urn?: string; type?: string } };
  diagnosticEvent?: { message?: string; severity?: string; urn?: string };
  summaryEvent?: { resourceChanges?: Record<string, number> };
  [key: string]: unknown;
}

export type EventSink = (event: FerryEvent) => void;

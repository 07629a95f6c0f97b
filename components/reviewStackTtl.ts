/**
 * A review stack's time-to-live: a Pulumi Cloud TTL schedule on the stack itself, set once when the
 * stack is created (a stack's TTL counts from its creation: later updates keep the first timestamp),
 * which destroys the stack and then deletes it. The backstop to Deployments destroying it when the
 * pull request closes.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";

/** The ISO 8601 instant `hours` after `now`. */
export function expiryAfter(hours: number, now: Date): string {
  return new Date(now.getTime() + hours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Declares this stack's TTL schedule; returns when it fires. */
export function reviewStackExpiry(ttlHours: number, now = new Date()): pulumi.Output<string> {
  const schedule = new pulumiservice.TtlSchedule("review-stack-ttl", {
    organization: pulumi.getOrganization(),
    project: pulumi.getProject(),
    stack: pulumi.getStack(),
    timestamp: expiryAfter(ttlHours, now),
    deleteAfterDestroy: true,
  }, { ignoreChanges: ["timestamp"] });
  return schedule.timestamp;
}

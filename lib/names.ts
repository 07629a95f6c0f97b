/** Resource names, derived from the stack and service names and never renamed (renames replace resources). */
export function stackResourceName(stack: string): string {
  return `ferry-${stack}`;
}

export function serviceResourceName(stack: string, service: string): string {
  return `${stackResourceName(stack)}-${service}`;
}

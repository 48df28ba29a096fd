/** `pre-approval` → `PreApproval`, `rules` → `Rules`: construct ids and output names. */
export function pascalCase(name: string): string {
  return name
    .split(/[-_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Commander helper: lets an option be given many times (`-e a=1 -e @vars.yaml`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

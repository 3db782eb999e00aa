/**
 * Folders besides a scenario's own folder tree and the shipped scenarios that `extends` and
 * `comparators` may name files in (--scenario-root). A module of its own, so that the CLI can
 * set them without loading the scenario schema.
 */

let extraRoots: readonly string[] = [];

/** Folders (absolute paths; besides the scenario's own folder tree and the shipped scenarios) that `extends` may name files in. */
export function setScenarioRoots(dirs: readonly string[]): void {
  extraRoots = [...dirs];
}

/** The folders given to `setScenarioRoots`. */
export function scenarioRoots(): readonly string[] {
  return extraRoots;
}

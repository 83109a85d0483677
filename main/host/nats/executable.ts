/** Whether a file can be run by this process. */
import { accessSync, constants } from 'node:fs';

/** True when `file` exists and is executable for us. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

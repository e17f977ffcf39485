import { CLASSROOM_SETTINGS_FILE, parseClassroomSettings, type ClassroomSettings } from '../engine/models/classroom';

/** How long startup waits for the settings file before going on without it. */
const SETTINGS_TIMEOUT_MS = 3000;

/** The site's `classroom.json`: the build ships one with no models (public/), a class pack (`npm run class-pack`)
 * lists its own; null where it cannot be read. Read before the app starts, so the Hub panel opens on the classroom
 * source of a class pack. */
export async function loadClassroomSettings(): Promise<ClassroomSettings | null> {
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}${CLASSROOM_SETTINGS_FILE}`, {
      signal: AbortSignal.timeout(SETTINGS_TIMEOUT_MS),
    });
    // A server without the file may answer with its index page and status 200 (Vite's do): only JSON counts.
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return null;
    return parseClassroomSettings(await response.json());
  } catch {
    return null;
  }
}

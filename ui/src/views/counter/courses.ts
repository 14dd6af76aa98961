// Courses at the counter: what Send sends and what it holds. New lines of more than one course go
// a course at a time: Send sends the first (with the lines of no course) and holds the later
// ones, which the kitchen then sees coming; "Fire course N" sends a held course.

export interface CourseLine {
  voided: unknown;
  fired: boolean;
  held: boolean;
  course: number | null;
}

export interface SendPlan {
  /** Send holds later courses (new lines in more than one course). */
  holds: boolean;
  /** The course Send sends (when it holds). */
  first: number | null;
  /** How many lines Send sends. */
  sending: number;
  /** The courses held, with how many lines each. */
  held: { course: number; lines: number }[];
}

export function sendPlan(lines: readonly CourseLine[]): SendPlan {
  const live = lines.filter((l) => l.voided === null);
  const fresh = live.filter((l) => !l.fired && !l.held);
  const courses = [...new Set(fresh.map((l) => l.course).filter((c): c is number => c !== null))].sort((a, b) => a - b);
  const holds = courses.length > 1;
  const first = courses[0] ?? null;
  const sending = holds ? fresh.filter((l) => l.course === null || l.course === first).length : fresh.length;
  const heldBy = new Map<number, number>();
  for (const l of live) if (l.held && !l.fired && l.course !== null) heldBy.set(l.course, (heldBy.get(l.course) ?? 0) + 1);
  const held = [...heldBy.entries()].sort((a, b) => a[0] - b[0]).map(([course, n]) => ({ course, lines: n }));
  return { holds, first, sending, held };
}

/** The course a tap on Course gives a line: the typed number (0 clears), else the next of
 *  none → 1 → 2 → 3 → none. */
export function nextCourse(current: number | null, typed: number | null): number | null {
  if (typed !== null) return typed === 0 ? null : typed;
  if (current === null) return 1;
  return current >= 3 ? null : current + 1;
}

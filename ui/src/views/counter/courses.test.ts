import { describe, expect, it } from "vitest";
import { nextCourse, sendPlan } from "./courses";

const line = (course: number | null, fired = false, held = false) => ({ voided: null, fired, held, course });

describe("courses at the counter", () => {
  it("sends everything when the new lines are of one course or none", () => {
    expect(sendPlan([line(null), line(1), line(null)])).toEqual({ holds: false, first: 1, sending: 3, held: [] });
  });
  it("sends the first course and the lines of no course, holding the later ones", () => {
    const p = sendPlan([line(1), line(2), line(3), line(null), line(2)]);
    expect(p.holds).toBe(true);
    expect(p.first).toBe(1);
    expect(p.sending).toBe(2);
  });
  it("lists the courses held, and leaves out what was fired or voided", () => {
    const p = sendPlan([line(1, true), line(2, false, true), line(2, false, true), line(3, false, true), { voided: {}, fired: false, held: true, course: 3 }]);
    expect(p.held).toEqual([{ course: 2, lines: 2 }, { course: 3, lines: 1 }]);
    expect(p.sending).toBe(0);
  });
  it("cycles a line's course, or takes the number typed", () => {
    expect(nextCourse(null, null)).toBe(1);
    expect(nextCourse(1, null)).toBe(2);
    expect(nextCourse(3, null)).toBeNull();
    expect(nextCourse(1, 4)).toBe(4);
    expect(nextCourse(2, 0)).toBeNull();
  });
});

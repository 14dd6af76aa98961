//! Tests of the scan detector: scanner bursts, people typing, and the edges between them.
import { describe, expect, it } from "vitest";
import { ScanDetector, type ScanResult } from "./scan";

/** Types `text` then Enter, `gap` ms apart, from `start`; returns the last result. */
function type(d: ScanDetector, text: string, gap: number, start = 1000): { results: ScanResult[]; end: ScanResult } {
  const results: ScanResult[] = [];
  let t = start;
  for (const ch of text) {
    results.push(d.feed(ch, t));
    t += gap;
  }
  const end = d.feed("Enter", t);
  return { results, end };
}

describe("ScanDetector", () => {
  it("reads a fast burst ending in Enter as a scan", () => {
    const d = new ScanDetector();
    const { results, end } = type(d, "5449000000996", 8);
    expect(end).toEqual({ type: "scan", code: "5449000000996" });
    expect(results[0]).toEqual({ type: "key", burstStart: true });
    expect(results.slice(1).every((r) => r.type === "key" && !r.burstStart)).toBe(true);
  });
  it("reads a person's typing as keys and Enter", () => {
    const d = new ScanDetector();
    expect(type(d, "12", 150).end).toEqual({ type: "enter" });
    expect(type(d, "5449000000996", 120, 5000).end).toEqual({ type: "enter" });
  });
  it("needs a minimum length", () => {
    expect(type(new ScanDetector(), "123", 5).end).toEqual({ type: "enter" });
    expect(type(new ScanDetector(), "1234", 5).end).toEqual({ type: "scan", code: "1234" });
  });
  it("needs Enter to come fast too", () => {
    const d = new ScanDetector();
    for (const [i, ch] of [..."123456"].entries()) d.feed(ch, 1000 + i * 5);
    expect(d.feed("Enter", 2000)).toEqual({ type: "enter" });
  });
  it("starts a new burst after a pause, dropping a person's keys before it", () => {
    const d = new ScanDetector();
    d.feed("3", 0);
    const { results, end } = type(d, "40063813", 10, 500);
    expect(results[0]).toEqual({ type: "key", burstStart: true });
    expect(end).toEqual({ type: "scan", code: "40063813" });
  });
  it("lets Shift through inside a burst and breaks on other keys", () => {
    const d = new ScanDetector();
    d.feed("A", 0);
    d.feed("Shift", 5);
    d.feed("B", 10);
    d.feed("C", 15);
    expect(d.feed("D", 20)).toEqual({ type: "key", burstStart: false });
    expect(d.feed("Enter", 25)).toEqual({ type: "scan", code: "ABCD" });
    d.feed("1", 100);
    d.feed("2", 105);
    d.feed("ArrowLeft", 110);
    d.feed("3", 115);
    d.feed("4", 120);
    expect(d.feed("Enter", 125)).toEqual({ type: "enter" });
  });
  it("forgets a burst on reset", () => {
    const d = new ScanDetector();
    for (const [i, ch] of [..."123456"].entries()) d.feed(ch, i * 5);
    d.reset();
    expect(d.feed("Enter", 31)).toEqual({ type: "enter" });
  });
});

// Shared steps of the end-to-end tests: signing in on the PIN pad, opening a table, ringing in,
// and reading an order through the HTTP API (to compare what the screen shows with what is stored).
import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const tid = (page: Page, id: string) => page.getByTestId(id);

export async function signIn(page: Page, pin: string) {
  await tid(page, "pin-key-1").waitFor();
  for (const d of pin) await tid(page, `pin-key-${d}`).click();
  await tid(page, "pin-submit").click();
  await expect(tid(page, "employee-name")).toBeVisible();
}

export async function openTable(page: Page, table: string) {
  await tid(page, "new-order-button").click();
  await tid(page, "new-order-table").fill(table);
  await tid(page, "new-order-submit").click();
  await expect(tid(page, "empty-order")).toBeVisible();
}

/** Adds an item through its modifier dialog, choosing `choices` as [group, option] pairs. */
export async function addWithModifiers(page: Page, item: string, choices: [string, string][]) {
  await tid(page, `tile-${item}`).click();
  await expect(tid(page, "modifier-dialog")).toBeVisible();
  for (const [g, m] of choices) await tid(page, `modifier-${g}-${m}`).click();
  await tid(page, "modifier-add").click();
  await expect(tid(page, "modifier-dialog")).toHaveCount(0);
}

/** Types a PIN on the in-place approval dialog and submits it. */
export async function typePin(page: Page, pin: string) {
  for (const d of pin) await tid(page, `approval-key-${d}`).click();
  await tid(page, "approval-submit").click();
}

/** Signs in over HTTP and returns a function calling the API with that session. */
export async function apiAs(request: APIRequestContext, url: string, pin: string) {
  const login = await request.post(`${url}/api/login`, { data: { pin } });
  expect(login.ok()).toBeTruthy();
  const { token } = await login.json();
  return async (name: string, body: object) => {
    const r = await request.post(`${url}/api/${name}`, { data: body, headers: { authorization: `Bearer ${token}` } });
    return { status: r.status(), body: await r.json() };
  };
}

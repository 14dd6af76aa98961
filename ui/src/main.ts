//! Entry point: starts the app state (backend, session, menu) and mounts the UI; at `/screen`
//! (a browser on the LAN opening a terminal's kitchen screens' address) the kitchen screen alone.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { app } from "./app.svelte";
import Screen from "./views/kitchen/Screen.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");
if (location.pathname.startsWith("/screen")) {
  mount(Screen, { target });
} else {
  mount(App, { target });
  void app.start();
}

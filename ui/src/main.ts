//! Entry point: starts the app state (backend, session, menu) and mounts the UI.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { app } from "./app.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("no #app element");
mount(App, { target });
void app.start();

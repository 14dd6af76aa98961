// A receipt printer in a few lines, on a real socket: answers DLE EOT 1/2/4 and GS r 1 from its
// state, opens its drawer on ESC p (the sensor, bit 2 of DLE EOT 1, then reads open until the
// test shuts it), and keeps everything else as "the paper".
import * as net from "node:net";

export function fakePrinter() {
  const state = { paperOut: false, drawerOpen: false, kicks: 0, paper: Buffer.alloc(0) };
  const server = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      let i = 0;
      const out: number[] = [];
      while (i < pending.length) {
        const [a, b, n] = [pending[i], pending[i + 1], pending[i + 2]];
        if ((a === 0x10 && b === undefined) || (a === 0x10 && b === 0x04 && n === undefined) || (a === 0x1d && b === undefined) || (a === 0x1d && b === 0x72 && n === undefined)) break;
        if (a === 0x1b && b === 0x70) {
          if (pending.length < i + 5) break;
          state.kicks += 1;
          state.drawerOpen = true;
          i += 5;
        } else if (a === 0x10 && b === 0x04) {
          const s = state.paperOut;
          const drawer = state.drawerOpen ? 0x04 : 0;
          out.push(n === 1 ? (s ? 0x1a : 0x12) | drawer : n === 2 ? (s ? 0x32 : 0x12) : n === 4 ? (s ? 0x7e : 0x12) : 0x12);
          i += 3;
        } else if (a === 0x1d && b === 0x72) {
          out.push(state.paperOut ? 0x0f : 0x00);
          i += 3;
        } else {
          state.paper = Buffer.concat([state.paper, Buffer.from([a!])]);
          i += 1;
        }
      }
      pending = pending.subarray(i);
      if (out.length) socket.write(Buffer.from(out));
    });
    socket.on("error", () => {});
  });
  return { state, server };
}

/** Starts a fake printer on a free loopback port; its port. */
export async function listen(printer: ReturnType<typeof fakePrinter>): Promise<number> {
  await new Promise<void>((r) => printer.server.listen(0, "127.0.0.1", () => r()));
  return (printer.server.address() as net.AddressInfo).port;
}

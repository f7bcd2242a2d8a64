/** Fresh endpoints for tests, so parallel runs never collide. */
let n = 0;
const tag = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${n++}`;

/** A bindable endpoint for `transport`: tcp on an ephemeral loopback port, ipc in /tmp, inproc by name. */
export function freshEndpoint(transport: "tcp" | "ipc" | "inproc"): string {
  switch (transport) {
    case "tcp":
      return "tcp://127.0.0.1:*";
    case "ipc":
      return `ipc:///tmp/zmq-ts-test-${tag()}.sock`;
    case "inproc":
      return `inproc://test-${tag()}`;
  }
}

// Client-link blackhole: nothing passes either way and connections stay open, so requests hang
// until the client's own timeout. Operations in flight become indeterminate.
import { toxicFault } from "./client-link.ts";

export const blackhole = toxicFault({
  name: "blackhole",
  label: "client blackhole",
  color: "#264653",
  direction: "both",
  toxic: () => ({ kind: "blackhole" }),
});

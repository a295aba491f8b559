/**
 * Runtime code as step generators: each `yield` ends one store to the map's
 * shared memory, with the loads that store needs just before it (or one
 * load the runtime makes on its own, such as a group's probe); the yielded
 * text says what was done. The engines run a generator to its end (`drain`),
 * which is exactly the unstepped function; src/race runs two or more of them
 * a step at a time, interleaved as two CPUs could run them.
 */
export type Steps<T = void> = Generator<string, T, void>;

/** Runs a step generator to its end. */
export function drain<T>(g: Generator<string, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * Stores `size` bytes from `src` to `dst` as the runtime does (the engines:
 * one copy, one step; src/race passes its own, a step per store
 * instruction). `what` names the value and the slot for the step's text.
 */
export type StoreSteps = (dst: number, src: number, what: string) => Steps;

// Simulated time for pacing, caching and scheduling tests: `sleep` returns at once in real time but moves the
// clock forward, and concurrent sleepers wake in the order of their wake-up times, each seeing the clock at its
// own wake-up time. Nothing here waits for real.
import type { PacingClock } from "../../graph/pacing";

export class SimulatedClock implements PacingClock {
    private current: number;
    private readonly timers: { at: number; seq: number; wake: () => void }[] = [];
    private sequence = 0;
    private draining = false;
    /** Every sleep asked for, in milliseconds, in call order. */
    readonly slept: number[] = [];

    constructor(start = Date.UTC(2026, 10, 26, 14, 0, 0)) {
        this.current = start;
    }

    now(): number {
        return this.current;
    }

    sleep(ms: number): Promise<void> {
        this.slept.push(ms);
        return new Promise((wake) => {
            this.timers.push({ at: this.current + Math.max(0, ms), seq: this.sequence++, wake });
            this.scheduleDrain();
        });
    }

    /** Moves the clock forward by `ms` (waking nobody early: sleepers due by then wake as the clock passes them). */
    async advance(ms: number): Promise<void> {
        const target = this.current + ms;
        await this.sleep(ms);
        this.current = Math.max(this.current, target);
    }

    /** Wakes one sleeper at a time, earliest first, letting the woken code run (and sleep again) in between. */
    private scheduleDrain(): void {
        if (this.draining) return;
        this.draining = true;
        setImmediate(() => {
            this.draining = false;
            this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
            const next = this.timers.shift();
            if (!next) return;
            this.current = Math.max(this.current, next.at);
            next.wake();
            if (this.timers.length > 0) this.scheduleDrain();
        });
    }
}

// The windows the queries run over (policies/contract/queries.ts): the look-back that tolerates ingestion
// delay without reporting a record twice, and the ISO 8601 durations config and Azure use for them.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { DEFAULTS } from "../../policies/contract/constants";
import {
    INGESTION_DELAY_ALLOWANCE_MINUTES,
    MAX_LOOKBACK_MINUTES,
    QueryInputError,
    defaultLookback,
    isoDurationMinutes,
    minutesToIsoDuration,
    queryWindow,
} from "../../policies/contract/queries";

describe("windows", () => {
    test("the default frequency runs every 5 minutes over the last hour", () => {
        assert.deepEqual(queryWindow(DEFAULTS.queryFrequency), { frequencyMinutes: 5, lookbackMinutes: 60 });
        assert.deepEqual(queryWindow("PT1H"), { frequencyMinutes: 60, lookbackMinutes: 115 });
        assert.deepEqual(queryWindow(1), { frequencyMinutes: 1, lookbackMinutes: 60 });
    });

    test("the default look-back is strictly longer than the frequency, by the allowance, and at least an hour", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: MAX_LOOKBACK_MINUTES - INGESTION_DELAY_ALLOWANCE_MINUTES }), (frequency) => {
                const lookback = defaultLookback(frequency);
                assert.ok(lookback > frequency);
                assert.ok(lookback >= 60);
                assert.ok(lookback - frequency >= INGESTION_DELAY_ALLOWANCE_MINUTES);
                assert.ok(lookback <= MAX_LOOKBACK_MINUTES);
            }),
        );
        assert.throws(() => defaultLookback(MAX_LOOKBACK_MINUTES), QueryInputError);
    });

    // The technique itself, simulated: runs every f minutes; each keeps the records generated within the
    // look-back and ingested since the previous run. A record whose ingestion delay is within the allowance
    // is reported by exactly one run.
    test("a record delayed by up to the allowance is reported exactly once", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 180 }),
                fc.integer({ min: 0, max: 10_000 }),
                fc.integer({ min: 0, max: INGESTION_DELAY_ALLOWANCE_MINUTES * 60 }),
                (frequency, generatedSecond, delaySeconds) => {
                    const lookback = defaultLookback(frequency) * 60;
                    const step = frequency * 60;
                    const generated = generatedSecond;
                    const ingested = generated + delaySeconds;
                    let reports = 0;
                    for (let run = 0; run <= ingested + 2 * lookback; run += step) {
                        const inLookback = generated >= run - lookback;
                        const newlyIngested = ingested > run - step && ingested <= run;
                        if (inLookback && newlyIngested) reports++;
                    }
                    assert.equal(reports, 1);
                },
            ),
        );
    });
});

describe("ISO 8601 durations", () => {
    const cases: Array<[string, number | undefined]> = [
        ["PT5M", 5],
        ["PT1H", 60],
        ["PT1H5M", 65],
        ["PT120S", 2],
        ["P1D", 1440],
        ["P1DT1H", 1500],
        ["P14D", 20160],
        ["PT90S", undefined],
        ["PT0M", undefined],
        ["P", undefined],
        ["PT", undefined],
        ["P1DT", undefined],
        ["P1M", undefined],
        ["P1W", undefined],
        ["pt5m", undefined],
        ["5", undefined],
        ["", undefined],
    ];
    for (const [text, minutes] of cases) {
        test(`${JSON.stringify(text)} is ${String(minutes)} minutes`, () => assert.equal(isoDurationMinutes(text), minutes));
    }

    test("minutes print in Azure's canonical form", () => {
        assert.deepEqual(
            [5, 60, 65, 115, 1440, 1500, 20160].map(minutesToIsoDuration),
            ["PT5M", "PT1H", "PT1H5M", "PT1H55M", "P1D", "P1DT1H", "P14D"],
        );
    });

    test("minutes survive a round trip", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (minutes) => {
            assert.equal(isoDurationMinutes(minutesToIsoDuration(minutes)), minutes);
        }));
    });
});

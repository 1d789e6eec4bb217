// Object ids for tests.

// For query tests: four accounts and a group, none of them the fixture stack's.
export const ACCOUNTS = [
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "16fd2706-8baf-433b-82eb-8c7fada847da",
    "886313e1-3b8a-4372-9b90-0c9aee199e5d",
];
export const GROUP = "a8098c1a-f86e-11da-bd1a-00112444be1e";
/** An object id that is no emergency account's. */
export const OTHER = "e902893a-9d22-3c7e-a7b8-d6e313b71d9f";

/**
 * The object ids the mocks (plan/mocks.ts, derived from type and name) give the fixture stack's two accounts and
 * its group; CA005 of the Conditional Access snapshot already excludes exactly these. test/program checks them.
 */
export const FIXTURE_USER_IDS = ["e2fb0405-ab36-5f6d-bb04-f604c1d9480a", "1fb1e91c-895e-56e6-8dc9-370fba8ac6cc"];
export const FIXTURE_GROUP_ID = "c83b34df-ac37-571e-8a4a-44dad8cc4f17";

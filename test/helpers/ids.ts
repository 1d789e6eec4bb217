// Object ids for query tests: four accounts and a group, none of them the prod stack's.
export const ACCOUNTS = [
    "0f8fad5b-d9cb-469f-a165-70867728950e",
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "16fd2706-8baf-433b-82eb-8c7fada847da",
    "886313e1-3b8a-4372-9b90-0c9aee199e5d",
];
export const GROUP = "a8098c1a-f86e-11da-bd1a-00112444be1e";

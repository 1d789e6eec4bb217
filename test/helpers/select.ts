// One vocabulary for picking resources out of what a program declared, used by every suite: predicates say
// what to look for (byType, byName), selectors say how many must match (all, one, first). They take a
// recorded run (plan/runProgram.ts), its resources, or a policy test's plain stack (./policyHarness.ts).

/** What every selectable resource has: a Pulumi type token and a name. */
export interface Named {
    readonly type: string;
    readonly name: string;
}

/** A run (anything with `resources`) or a list of resources. */
export type Resources<R extends Named> = readonly R[] | { readonly resources: readonly R[] };

/** A predicate over resources that can say what it looks for, for error messages. */
export interface Match {
    (resource: Named): boolean;
    readonly description: string;
}

function match(description: string, test: (resource: Named) => boolean): Match {
    return Object.assign((resource: Named) => test(resource), { description });
}

/** Resources of the type token `type`. */
export const byType = (type: string): Match => match(`of type ${type}`, (r) => r.type === type);

/** Resources whose name ends with `suffix` (child names are `<component name><suffix>`). */
export const byName = (suffix: string): Match => match(`named *${suffix}`, (r) => r.name.endsWith(suffix));

function list<R extends Named>(resources: Resources<R>): readonly R[] {
    return "resources" in resources ? resources.resources : resources;
}

/** Every resource that matches, in declaration order (possibly none). */
export function all<R extends Named>(resources: Resources<R>, matches: Match): R[] {
    return list(resources).filter((r) => matches(r));
}

/** The one resource that matches; throws when none or several do. */
export function one<R extends Named>(resources: Resources<R>, matches: Match): R {
    const found = all(resources, matches);
    if (found.length !== 1) throw new Error(`expected exactly one resource ${matches.description}, found ${found.length}`);
    return found[0];
}

/** The first resource that matches, when several may (e.g. account 1 of the accounts); throws when none does. */
export function first<R extends Named>(resources: Resources<R>, matches: Match): R {
    const found = all(resources, matches);
    if (found.length === 0) throw new Error(`expected a resource ${matches.description}, found none`);
    return found[0];
}

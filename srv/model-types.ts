/**
 * A row as the database gives it back. cds-typer declares every element optional and nullable (a query may select
 * any of them); the elements K are set on every row read here (keys, @mandatory elements, defaults, the columns the
 * query selected), so the code need not check them again.
 */
export type Filled<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> }

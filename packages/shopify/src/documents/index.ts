// Every GraphQL document the project sends to Shopify; documents.test.ts validates each one
// against the vendored Admin API schema.
export * from "./connection.ts";
export * from "./inventory.ts";
export * from "./lifecycle.ts";
export * from "./sync.ts";

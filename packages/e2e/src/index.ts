// End-to-end tests live in ../test; this package exports nothing.
export {};

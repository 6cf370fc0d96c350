// This package only holds tests of deploy/ (see test/); it exports nothing.
export {};

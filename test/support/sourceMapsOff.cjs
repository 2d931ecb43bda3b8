// Loaded after tsx by the unit tier (package.json "test"): Pulumi records a source position for every resource
// by formatting a whole stack trace, and with tsx's source maps on each of those maps every frame (about a second
// of the tier). Stack traces in the unit tier then name the transpiled lines.
process.setSourceMapsEnabled(false);

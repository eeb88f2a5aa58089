// Package msg is what an admin reads: every stable code, the kind of
// failure it is, and one catalogue of texts in Japanese and English,
// rendered at the edge (CLI, console, API, notifications) from a code and
// its parameters.
//
// Domain packages never write a sentence an admin reads in only one
// language: they return a code and the parameters the sentence needs (the
// names, counts, lines and fields), and the surface that shows it picks the
// language — the CLI from LC_ALL / LC_MESSAGES / LANG, the console from the
// browser, the API from Accept-Language — and adds its own advice (the CLI
// names its flag, the console its button). Texts in the catalogue never
// name a CLI flag or a command: TestCatalogue fails when one does.
//
// Decisions where the specification is silent:
//   - The catalogue is a plain table (ja, en) with named parameters, {name},
//     rather than golang.org/x/text/message's printf catalogues: a message
//     travels as a code and a parameter map through JSON (the API, stored
//     plans), and named parameters survive that where positional verbs do
//     not. x/text is used where it earns its place: matching
//     Accept-Language and formatting numbers (10,000).
//   - English plurals are written in the template as {name|one|other};
//     Japanese has no plural forms.
//   - A code the catalogue does not know renders as the domain's own
//     English message (never blank), and TestEveryCodeHasText in each
//     surface fails on it.
//   - Kinds map to HTTP statuses and CLI exit codes by table (HTTPStatus,
//     ExitCode), never by looking at the code's spelling.
package msg

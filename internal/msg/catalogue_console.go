package msg

// consoleTexts: the console and API (provision/web).
var consoleTexts = map[string]entry{}

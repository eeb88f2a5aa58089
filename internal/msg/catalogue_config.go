package msg

// configTexts: configuration problems (package config and each component's own checks).
var configTexts = map[string]entry{}

package msg

// safetyTexts: the safety roster (targets/safety).
var safetyTexts = map[string]entry{}

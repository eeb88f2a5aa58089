package msg

// planTexts: the planner (package provision).
var planTexts = map[string]entry{}

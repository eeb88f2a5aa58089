package msg

// calendarTexts: calendar-sync enrolment (targets/calendar).
var calendarTexts = map[string]entry{}

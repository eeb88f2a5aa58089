package msg

// csvTexts: CSV exports and uploads (directory/csvfile).
var csvTexts = map[string]entry{}

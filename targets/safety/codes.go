package safety

// Codes lists every catalogue key this package's plan errors, warnings and
// roster edit errors can render: each code, each situation of a code
// (provision.Issue.Key, msg.Error.Key), and the field and rule names of an
// input problem. TestCodesHaveTexts checks each has a text in Japanese and
// English.
func Codes() []string {
	keys := []string{
		CodeFirstLevelReparent, CodeDuplicateEmail, CodeEmailConflict, CodeLoginConflict,
		CodeInitialPasswordRequired, CodeMissingEmail, CodeDepartmentCodeConflict,
		WarnLocalChildrenMoved, WarnLocalMembershipsRemoved,
		KeyAmbiguousOrg, KeyAmbiguousUserLinks, KeyDepartmentCodeConflictNew, KeyLoginConflictUsers, KeyLocalChildrenMovedRoot,
		KeyFirstLevelReparentEdit, KeyEmailConflictRoster, KeyParentCycle, KeyInitialPasswordApply,
		"roster.invalid.other",
	}
	for _, k := range []string{KeyAmbiguousMember, KeyAmbiguousUser} {
		keys = append(keys, k, k+".login", k+".email")
	}
	for _, what := range []string{WhatDepartment, WhatMember} {
		keys = append(keys, CodeNotFound+"."+what, CodeAlreadyExists+"."+what)
		for _, f := range inputFields[what] {
			keys = append(keys, "roster.field."+what+"."+f)
		}
	}
	for _, r := range inputRules {
		keys = append(keys, "roster.invalid."+r)
	}
	return keys
}

// Fields lists, by kind, every field name a safety change can carry; the
// report and the console name each from the catalogue (provision.FieldName).
func Fields() map[string][]string {
	return map[string][]string{
		KindDepartment: {"code", "name", "parent", fieldLinkedTo},
		KindMember:     {"login", "name", "reading", "email", "phone", "departments", fieldLinkedTo},
	}
}

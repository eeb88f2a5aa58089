-- The safety roster (安否確認 名簿): departments under one root department,
-- members, and memberships. Whether an object came from the directory is
-- in links (target 'safety', kinds 'department' and 'member'); objects
-- without a link are roster-only ("local").

CREATE TABLE safety_departments (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL,
  name       TEXT NOT NULL,
  -- NULL only for the root. Deferred so that one transaction can delete a
  -- department and move its children up in any order; a child left
  -- pointing at a deleted parent fails the commit.
  parent_id  INTEGER REFERENCES safety_departments (id) DEFERRABLE INITIALLY DEFERRED,
  is_root    INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((is_root = 1) = (parent_id IS NULL))
);
CREATE UNIQUE INDEX safety_departments_code ON safety_departments (code) WHERE is_root = 0;
CREATE UNIQUE INDEX safety_departments_one_root ON safety_departments (is_root) WHERE is_root = 1;
CREATE INDEX safety_departments_parent ON safety_departments (parent_id);

-- Rule 1: the root department (最上位部署, level 0) always exists.
INSERT INTO safety_departments (id, code, name, parent_id, is_root, created_at, updated_at)
VALUES (1, '', '最上位部署', NULL, 1, 0, 0);
CREATE TRIGGER safety_root_kept BEFORE DELETE ON safety_departments
WHEN OLD.is_root = 1 BEGIN
  SELECT RAISE(ABORT, 'the root department cannot be deleted');
END;

CREATE TABLE safety_members (
  id            INTEGER PRIMARY KEY,
  login         TEXT NOT NULL COLLATE NOCASE UNIQUE,
  name          TEXT NOT NULL,
  reading       TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
  phone         TEXT NOT NULL DEFAULT '',
  memo          TEXT NOT NULL DEFAULT '',
  sort_order    INTEGER,                 -- NULL: empty
  password_hash TEXT NOT NULL DEFAULT '', -- bcrypt; '' for roster-only members added without one
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
-- An email address belongs to one member only (the manual's duplicate error).
CREATE UNIQUE INDEX safety_members_email ON safety_members (email) WHERE email <> '';

CREATE TABLE safety_memberships (
  member_id     INTEGER NOT NULL REFERENCES safety_members (id) ON DELETE CASCADE,
  department_id INTEGER NOT NULL REFERENCES safety_departments (id) ON DELETE CASCADE,
  PRIMARY KEY (member_id, department_id)
) WITHOUT ROWID;
CREATE INDEX safety_memberships_department ON safety_memberships (department_id);

/**
 * Enrolled profiles (services/enroll): who was enrolled, and the enrollment's
 * result (held-out accuracy, embedding map, counts) so the Enroll view can show a
 * saved profile without recomputing. Profile names are unique: the live view
 * offers them by name.
 */
export const up = `
ALTER TABLE profiles ADD COLUMN person TEXT;
ALTER TABLE profiles ADD COLUMN result_json TEXT;
CREATE UNIQUE INDEX profiles_name ON profiles(name);
`

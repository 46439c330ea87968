/**
 * Model names are unique (services/model/registry.ts refuses or suffixes a duplicate):
 * rows that already share a name keep the oldest one's name, the others get ' #id'.
 */
export const up = `
UPDATE models SET name = name || ' #' || id WHERE id NOT IN (SELECT MIN(id) FROM models GROUP BY name);
CREATE UNIQUE INDEX models_name ON models(name);
`

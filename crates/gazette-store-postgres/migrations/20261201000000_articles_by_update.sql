-- The search index follows the store by update time: it asks for every
-- article changed since the last one it indexed, in (updated_at, id) order.
CREATE INDEX articles_by_update ON articles (updated_at, id);

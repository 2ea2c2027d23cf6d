-- An upload's programs are needed only until its job ends: from now on a finished or
-- failed import keeps its summary and message but not the file's content, so that
-- uploaded data does not live on in the database and in every backup. Forget what
-- earlier jobs kept.
UPDATE pending_imports SET body = '' WHERE state IN ('done', 'failed');

import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './database.js';

/**
 * Catalog schema, one migration per change, applied in order at start.
 * Never edit a released migration: add a new one.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  // An auto-incrementing integer key differs between the two databases.
  const serial = (db: Kysely<unknown>, table: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('id', 'serial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    '0001_core': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text')
          .addColumn('email', 'text')
          .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('token_prefix', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .execute();
        await db.schema
          .createTable('projects')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('members')
          .addColumn('project_key', 'text', (c) => c.notNull().references('projects.key').onDelete('cascade'))
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('members_pk', ['project_key', 'username'])
          .execute();
        await db.schema
          .createTable('objects')
          .addColumn('project_key', 'text', (c) => c.notNull().references('projects.key').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('objects_pk', ['project_key', 'kind', 'name'])
          .execute();
        await serial(db, 'revisions')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('revision', 'integer', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('body', 'text')
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('revisions_unique', ['project_key', 'kind', 'name', 'revision'])
          .execute();
        await db.schema
          .createTable('dataset_versions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('row_count', 'bigint')
          .addColumn('content_hash', 'text')
          .addColumn('columns', 'text')
          .addColumn('lineage', 'text')
          .addColumn('job_id', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('dataset_versions_by_dataset')
          .on('dataset_versions')
          .columns(['project_key', 'dataset', 'seq'])
          .execute();
        await db.schema
          .createTable('dataset_state')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('current_version', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('dataset_state_pk', ['project_key', 'dataset'])
          .execute();
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('targets', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('error', 'text')
          .addColumn('owner', 'text')
          .execute();
        await db.schema.createIndex('jobs_by_project').on('jobs').columns(['project_key', 'created_at']).execute();
        await db.schema.createIndex('jobs_by_status').on('jobs').columns(['status']).execute();
        await db.schema
          .createTable('job_activities')
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('idx', 'integer', (c) => c.notNull())
          .addColumn('recipe', 'text', (c) => c.notNull())
          .addColumn('output', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('rows', 'bigint')
          .addColumn('error', 'text')
          .addPrimaryKeyConstraint('job_activities_pk', ['job_id', 'idx'])
          .execute();
        await serial(db, 'job_logs')
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_logs_by_job').on('job_logs').columns(['job_id', 'id']).execute();
        await sql`SELECT 1`.execute(db);
      },
    },
    '0002_automation': {
      async up(db: Kysely<unknown>) {
        // Scenario runs: one row per run; the monitoring view reads them by time range.
        await db.schema
          .createTable('scenario_runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('scenario', 'text', (c) => c.notNull())
          .addColumn('trigger_type', 'text', (c) => c.notNull())
          .addColumn('trigger_key', 'text')
          .addColumn('cause', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('duration_ms', 'bigint')
          .addColumn('error', 'text')
          .addColumn('run_as', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('owner_host', 'text', (c) => c.notNull())
          .addColumn('heartbeat_at', 'text')
          .addColumn('abort_requested', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('scenario_runs_by_start').on('scenario_runs').columns(['started_at']).execute();
        await db.schema
          .createIndex('scenario_runs_by_scenario')
          .on('scenario_runs')
          .columns(['project_key', 'scenario', 'started_at'])
          .execute();
        await db.schema
          .createIndex('scenario_runs_by_outcome')
          .on('scenario_runs')
          .columns(['outcome', 'project_key', 'scenario'])
          .execute();
        await db.schema.createIndex('scenario_runs_by_end').on('scenario_runs').columns(['ended_at']).execute();
        await db.schema
          .createTable('scenario_step_runs')
          .addColumn('run_id', 'text', (c) => c.notNull())
          .addColumn('idx', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('ended_at', 'text')
          .addColumn('duration_ms', 'bigint')
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('error', 'text')
          .addColumn('detail', 'text')
          .addPrimaryKeyConstraint('scenario_step_runs_pk', ['run_id', 'idx'])
          .execute();
        await serial(db, 'scenario_run_logs')
          .addColumn('run_id', 'text', (c) => c.notNull())
          .addColumn('ts', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('scenario_run_logs_by_run')
          .on('scenario_run_logs')
          .columns(['run_id', 'id'])
          .execute();
        // The unique key is the scheduler's lock: two processes inserting the same due instant, one wins.
        await db.schema
          .createTable('trigger_fires')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('scenario', 'text', (c) => c.notNull())
          .addColumn('trigger_key', 'text', (c) => c.notNull())
          .addColumn('instant', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('fired_at', 'text', (c) => c.notNull())
          .addColumn('run_id', 'text')
          .addColumn('owner', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('trigger_fires_pk', ['project_key', 'scenario', 'trigger_key', 'instant'])
          .execute();
        await db.schema
          .createTable('trigger_state')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('scenario', 'text', (c) => c.notNull())
          .addColumn('trigger_key', 'text', (c) => c.notNull())
          .addColumn('last_instant', 'text', (c) => c.notNull())
          .addColumn('poll_state', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('trigger_state_pk', ['project_key', 'scenario', 'trigger_key'])
          .execute();
        await serial(db, 'dataset_metrics')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('partition', 'text')
          .addColumn('version_id', 'text')
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('computed_at', 'text', (c) => c.notNull())
          .addColumn('metrics', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('dataset_metrics_by_dataset')
          .on('dataset_metrics')
          .columns(['project_key', 'dataset', 'id'])
          .execute();
        await serial(db, 'check_results')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('partition', 'text')
          .addColumn('version_id', 'text')
          .addColumn('check_name', 'text', (c) => c.notNull())
          .addColumn('check_type', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('value', 'double precision')
          .addColumn('run_at', 'text', (c) => c.notNull())
          .addColumn('scenario_run_id', 'text')
          .execute();
        await db.schema
          .createIndex('check_results_by_dataset')
          .on('check_results')
          .columns(['project_key', 'dataset', 'id'])
          .execute();
      },
    },
    '0003_scenario_runs_by_start_covering': {
      async up(db: Kysely<unknown>) {
        // Monitoring reads a time range of runs and aggregates them: with these columns in the
        // index, averages and daily counts over a month of a busy year never touch the table.
        await db.schema.dropIndex('scenario_runs_by_start').execute();
        await db.schema
          .createIndex('scenario_runs_by_start')
          .on('scenario_runs')
          .columns(['started_at', 'project_key', 'scenario', 'outcome', 'duration_ms'])
          .execute();
      },
    },
    '0004_build_owners': {
      async up(db: Kysely<unknown>) {
        // Which process (and host) runs a build or writes a version, so that recovery after a
        // crash fails only the work of dead processes, never that of another live server or CLI.
        await db.schema.alterTable('jobs').addColumn('owner_host', 'text').execute();
        await db.schema.alterTable('dataset_versions').addColumn('owner', 'text').execute();
        await db.schema.alterTable('dataset_versions').addColumn('owner_host', 'text').execute();
      },
    },
    '0005_job_heartbeats': {
      async up(db: Kysely<unknown>) {
        // A running build stamps this periodically: recovery on any host fails a job whose stamp
        // went stale (its process died on a host whose processes the recovering one cannot see).
        await db.schema.alterTable('jobs').addColumn('heartbeat_at', 'text').execute();
      },
    },
    '0006_version_heartbeats': {
      async up(db: Kysely<unknown>) {
        // A version written outside a build (an import or upload) has no job to stamp: it is
        // stamped itself, so that recovery on any host fails it once its process is gone.
        await db.schema.alterTable('dataset_versions').addColumn('heartbeat_at', 'text').execute();
      },
    },
    '0007_user_disabled': {
      async up(db: Kysely<unknown>) {
        // A disabled user keeps their name (audit fields, scenario owners) but can no longer log in.
        await db.schema
          .alterTable('users')
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
      },
    },
    '0008_trigger_fire_outcome': {
      async up(db: Kysely<unknown>) {
        // A fire records how its run ended (it said `running` forever) and is pruned after a while:
        // by run when the run ends, by time when pruned.
        await db.schema.alterTable('trigger_fires').addColumn('outcome', 'text').execute();
        await db.schema.createIndex('trigger_fires_by_run').on('trigger_fires').column('run_id').execute();
        await db.schema.createIndex('trigger_fires_by_time').on('trigger_fires').column('fired_at').execute();
        await sql`UPDATE trigger_fires SET status = 'ended', outcome = (SELECT r.outcome FROM scenario_runs r WHERE r.id = trigger_fires.run_id)
          WHERE EXISTS (SELECT 1 FROM scenario_runs r WHERE r.id = trigger_fires.run_id AND r.outcome NOT IN ('QUEUED', 'RUNNING'))`.execute(
          db,
        );
      },
    },
    '0009_build_claims': {
      async up(db: Kysely<unknown>) {
        // The primary key lets one job at a time, of any server on the catalog, build a dataset:
        // a second build of it waits until the row is gone (its job ended, or was recovered).
        await db.schema
          .createTable('build_claims')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('claimed_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('build_claims_pk', ['project_key', 'dataset'])
          .execute();
        await db.schema.createIndex('build_claims_by_job').on('build_claims').column('job_id').execute();
      },
    },
    '0011_detector_state': {
      async up(db: Kysely<unknown>) {
        // The state of the online detectors a scenario's detect-online steps run: one row per series,
        // so a run only loads, feeds and saves the series with new rows.
        await db.schema
          .createTable('detector_state')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('scenario', 'text', (c) => c.notNull())
          .addColumn('detector', 'text', (c) => c.notNull())
          .addColumn('series', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('detector_state_pk', ['project_key', 'scenario', 'detector', 'series'])
          .execute();
      },
    },
    '0016_groups_and_keys': {
      async up(db: Kysely<unknown>) {
        // Groups of users, given project roles like users: a group's grant is a `members` row whose
        // username is `group:NAME` (a name no user can have), so project delete already removes it.
        await db.schema
          .createTable('groups')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('group_members')
          .addColumn('group_name', 'text', (c) => c.notNull())
          .addColumn('username', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('group_members_pk', ['group_name', 'username'])
          .execute();
        await db.schema.createIndex('group_members_by_user').on('group_members').column('username').execute();
        // Fine rights beyond the role (run-scenarios, export-data, manage-dashboards), a JSON array.
        await db.schema
          .alterTable('members')
          .addColumn('rights', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
        // API keys: scopes and expiry; a project key acts with `role` in `project_key` only.
        // Keys made before have every scope, so they keep working as they did.
        await db.schema
          .alterTable('api_keys')
          .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('["read","write","run","admin"]'))
          .execute();
        await db.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
        await db.schema.alterTable('api_keys').addColumn('project_key', 'text').execute();
        await db.schema.alterTable('api_keys').addColumn('role', 'text').execute();
        // Users signed in through OpenID Connect: the provider's issuer and subject identify them.
        await db.schema.alterTable('users').addColumn('oidc_subject', 'text').execute();
        await db.schema.createIndex('users_by_oidc_subject').on('users').column('oidc_subject').unique().execute();
      },
    },
    '0017_wiki_discussions_tags': {
      async up(db: Kysely<unknown>) {
        // Catalog search: one row per object with its searchable text, kept in step with every write.
        await db.schema
          .createTable('search_index')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('name_lc', 'text', (c) => c.notNull())
          .addColumn('columns_lc', 'text', (c) => c.notNull())
          .addColumn('tags_lc', 'text', (c) => c.notNull())
          .addColumn('description_lc', 'text', (c) => c.notNull())
          .addColumn('content_lc', 'text', (c) => c.notNull())
          .addColumn('haystack', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('search_index_pk', ['project_key', 'kind', 'name'])
          .execute();
        await db.schema
          .createTable('object_tags')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('tags', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('object_tags_pk', ['project_key', 'kind', 'name'])
          .execute();
        await db.schema
          .createTable('wiki_attachments')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('page', 'text', (c) => c.notNull())
          .addColumn('file_name', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('content_type', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('wiki_attachments_pk', ['project_key', 'page', 'file_name'])
          .execute();
        await db.schema
          .createTable('discussions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('object_kind', 'text', (c) => c.notNull())
          .addColumn('object_name', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('discussions_by_object')
          .on('discussions')
          .columns(['project_key', 'object_kind', 'object_name'])
          .execute();
        await serial(db, 'discussion_messages')
          .addColumn('discussion_id', 'text', (c) => c.notNull())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('discussion_messages_by_thread')
          .on('discussion_messages')
          .column('discussion_id')
          .execute();
        await serial(db, 'notifications')
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('link', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('read_at', 'text')
          .execute();
        await db.schema.createIndex('notifications_by_user').on('notifications').columns(['username', 'id']).execute();
      },
    },
    '0012_api_services': {
      async up(db: Kysely<unknown>) {
        // Deployed versions of API services: the frozen endpoints (and the data versions lookups
        // read), which version takes traffic, caller keys (hashes only) and the request log.
        await db.schema
          .createTable('api_deployments')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('definition', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('api_deployments_pk', ['project_key', 'service', 'version'])
          .execute();
        await db.schema
          .createTable('api_active')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('api_active_pk', ['project_key', 'service'])
          .execute();
        await db.schema
          .createTable('api_service_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema
          .createIndex('api_service_keys_by_service')
          .on('api_service_keys')
          .columns(['project_key', 'service'])
          .execute();
        await serial(db, 'api_requests')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('endpoint', 'text', (c) => c.notNull())
          .addColumn('version', 'integer')
          .addColumn('key_id', 'text')
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('duration_ms', 'double precision', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('body_excerpt', 'text', (c) => c.notNull())
          .addColumn('error', 'text')
          .execute();
        await db.schema
          .createIndex('api_requests_by_service')
          .on('api_requests')
          .columns(['project_key', 'service', 'id'])
          .execute();
      },
    },
    '0018_audit_log': {
      async up(db: Kysely<unknown>) {
        // Every change and data access, kept past its project's deletion (hence `project`, not `project_key`).
        await serial(db, 'audit_log')
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text')
          .addColumn('via', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('category', 'text', (c) => c.notNull())
          .addColumn('project', 'text')
          .addColumn('object_kind', 'text')
          .addColumn('object_name', 'text')
          .addColumn('route', 'text')
          .addColumn('status', 'integer')
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .addColumn('detail', 'text')
          .execute();
        await db.schema.createIndex('audit_log_by_time').on('audit_log').columns(['at', 'id']).execute();
        await db.schema.createIndex('audit_log_by_project').on('audit_log').columns(['project', 'at']).execute();
        await db.schema.createIndex('audit_log_by_actor').on('audit_log').columns(['actor', 'at']).execute();
      },
    },
    '0025_project_imports': {
      async up(db: Kysely<unknown>) {
        // A project being imported, with the process importing it: a crash mid-import leaves a
        // row that recovery finds, and it deletes the half-imported project.
        await db.schema
          .createTable('project_imports')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('owner_host', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('heartbeat_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0024_job_activity_outputs': {
      async up(db: Kysely<unknown>) {
        // A recipe that writes several datasets (split) is one activity: it lists them all, not only the first.
        await db.schema.alterTable('job_activities').addColumn('outputs', 'text').execute();
      },
    },
    '0022_server_secrets': {
      async up(db: Kysely<unknown>) {
        // Keys the server signs with (webapp view tokens…), kept in the catalog so that what one
        // server signed stays valid after a restart and on every server sharing the catalog.
        await db.schema
          .createTable('server_secrets')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0020_partitions': {
      async up(db: Kysely<unknown>) {
        // A dataset's partitioning (its dimensions, a JSON array); none for an unpartitioned dataset.
        await db.schema
          .createTable('dataset_partitioning')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('dimensions', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addColumn('updated_by', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('dataset_partitioning_pk', ['project_key', 'dataset'])
          .execute();
        // The partition files of each version of a partitioned dataset (its manifest): a version
        // that rebuilds one partition lists the other partitions' files again, so old versions stay readable.
        await db.schema
          .createTable('dataset_version_partitions')
          .addColumn('version_id', 'text', (c) => c.notNull())
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('partition_id', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('row_count', 'bigint', (c) => c.notNull())
          .addColumn('content_hash', 'text')
          .addColumn('lineage', 'text', (c) => c.notNull())
          .addColumn('built_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('dataset_version_partitions_pk', ['version_id', 'partition_id'])
          .execute();
        await db.schema
          .createIndex('dataset_version_partitions_by_dataset')
          .on('dataset_version_partitions')
          .columns(['project_key', 'dataset'])
          .execute();
        // The last build attempt of each partition: building (its file being written), succeeded or failed.
        await db.schema
          .createTable('partition_builds')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('partition_id', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('error', 'text')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('partition_builds_pk', ['project_key', 'dataset', 'partition_id'])
          .execute();
        await db.schema.createIndex('partition_builds_by_state').on('partition_builds').column('state').execute();
        // A build activity of one partition names it.
        await db.schema.alterTable('job_activities').addColumn('partition', 'text').execute();
      },
    },
    '0026_scenario_runs_deleted': {
      async up(db: Kysely<unknown>) {
        // Runs outlive their scenario (history), marked with when it was deleted: monitoring hides
        // them unless asked. In the covering time index, so the range reads still skip the table.
        await db.schema.alterTable('scenario_runs').addColumn('scenario_deleted_at', 'text').execute();
        await db.schema.dropIndex('scenario_runs_by_start').execute();
        await db.schema
          .createIndex('scenario_runs_by_start')
          .on('scenario_runs')
          .columns(['started_at', 'project_key', 'scenario', 'outcome', 'duration_ms', 'scenario_deleted_at'])
          .execute();
      },
    },
    '0027_detector_claims': {
      async up(db: Kysely<unknown>) {
        // The alarms dataset a detect-online run is writing, one row per dataset: across every server
        // of the catalog one run at a time feeds its detectors, so two runs cannot feed the same rows
        // twice or append over each other's alarms.
        await db.schema
          .createTable('detector_claims')
          .addColumn('project_key', 'text', (c) => c.notNull())
          .addColumn('output', 'text', (c) => c.notNull())
          .addColumn('run_id', 'text', (c) => c.notNull())
          .addColumn('claimed_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('detector_claims_pk', ['project_key', 'output'])
          .execute();
      },
    },
    '0021_search_text_index': {
      async up(db: Kysely<unknown>) {
        // Catalog search used to scan every index row with LIKE; a trigram index answers substring searches.
        if (dialect === 'postgres') {
          // pg_trgm ships with PostgreSQL but may be refused (no rights): the search then keeps scanning.
          await sql`DO $$ BEGIN
              CREATE EXTENSION IF NOT EXISTS pg_trgm;
              CREATE INDEX search_index_haystack_trgm ON search_index USING gin (haystack gin_trgm_ops);
            EXCEPTION WHEN others THEN
              RAISE NOTICE 'pg_trgm unavailable (%): catalog search scans the index table', SQLERRM;
            END $$`.execute(db);
          return;
        }
        // SQLite: an FTS5 trigram table over the index rows. Its rowids follow an INTEGER PRIMARY KEY,
        // which VACUUM keeps (a plain rowid would not), so the table is rebuilt with one.
        await sql`CREATE TABLE search_index_new (
            id INTEGER PRIMARY KEY,
            project_key text NOT NULL, kind text NOT NULL, name text NOT NULL, title text NOT NULL,
            name_lc text NOT NULL, columns_lc text NOT NULL, tags_lc text NOT NULL, description_lc text NOT NULL,
            content_lc text NOT NULL, haystack text NOT NULL, description text NOT NULL, tags text NOT NULL,
            updated_at text NOT NULL,
            CONSTRAINT search_index_pk UNIQUE (project_key, kind, name))`.execute(db);
        const columns = sql.raw(
          'project_key, kind, name, title, name_lc, columns_lc, tags_lc, description_lc, content_lc, haystack, description, tags, updated_at',
        );
        await sql`INSERT INTO search_index_new (${columns}) SELECT ${columns} FROM search_index`.execute(db);
        await sql`DROP TABLE search_index`.execute(db);
        await sql`ALTER TABLE search_index_new RENAME TO search_index`.execute(db);
        await sql`CREATE VIRTUAL TABLE search_text USING fts5(
            haystack, content='search_index', content_rowid='id', tokenize='trigram')`.execute(db);
        await sql`INSERT INTO search_text (search_text) VALUES ('rebuild')`.execute(db);
        // Kept in step with every write to the index table, in the writer's transaction.
        await sql`CREATE TRIGGER search_text_insert AFTER INSERT ON search_index BEGIN
            INSERT INTO search_text (rowid, haystack) VALUES (new.id, new.haystack); END`.execute(db);
        await sql`CREATE TRIGGER search_text_delete AFTER DELETE ON search_index BEGIN
            INSERT INTO search_text (search_text, rowid, haystack) VALUES ('delete', old.id, old.haystack); END`.execute(
          db,
        );
        await sql`CREATE TRIGGER search_text_update AFTER UPDATE ON search_index BEGIN
            INSERT INTO search_text (search_text, rowid, haystack) VALUES ('delete', old.id, old.haystack);
            INSERT INTO search_text (rowid, haystack) VALUES (new.id, new.haystack); END`.execute(db);
      },
    },
  };
}

class InlineProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  getMigrations() {
    return Promise.resolve(migrations(this.dialect));
  }
}

/** Brings the catalog schema up to date; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InlineProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Catalog migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}

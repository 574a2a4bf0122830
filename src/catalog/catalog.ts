import { openCatalogDatabase, type CatalogDatabase } from './database.js';
import { GroupStore } from './groups.js';
import { ObjectStore, type ObjectWrite, type StoredObject } from './objects.js';
import { ProjectStore } from './projects.js';
import { SecretBox } from './secret-box.js';
import { UserStore } from './users.js';

/** The catalog: one database (SQLite or PostgreSQL) and the stores over it. */
export class Catalog {
  readonly objects: ObjectStore;
  readonly projects: ProjectStore;
  readonly users: UserStore;
  readonly groups: GroupStore;

  private constructor(
    readonly database: CatalogDatabase,
    secrets: SecretBox,
    maxObjectKb?: number,
  ) {
    this.objects = new ObjectStore(database.db, secrets, maxObjectKb);
    this.projects = new ProjectStore(database.db);
    this.users = new UserStore(database.db);
    this.groups = new GroupStore(database.db);
  }

  /** Saves a revision of a project object and marks the project changed (the home page sorts by it). */
  async saveObject<T>(write: ObjectWrite<T>): Promise<StoredObject<T>> {
    const stored = await this.objects.put(write);
    await this.projects.touch(write.projectKey);
    return stored;
  }

  get db() {
    return this.database.db;
  }

  get dialect() {
    return this.database.dialect;
  }

  /** `secretKey` (LLANO_SECRET_KEY) encrypts secrets at rest; without it, a key file in `home` does. */
  static async open(options: {
    url?: string;
    home: string;
    maxObjectKb?: number;
    secretKey?: string;
  }): Promise<Catalog> {
    const secrets = new SecretBox({ home: options.home, secretKey: options.secretKey });
    return new Catalog(await openCatalogDatabase(options), secrets, options.maxObjectKb);
  }

  close(): Promise<void> {
    return this.database.close();
  }
}

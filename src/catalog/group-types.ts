/** Groups as the API returns them. Types only, so the web UI imports them too. */
export interface Group {
  name: string;
  description: string;
  createdAt: string;
  /** Usernames, sorted. */
  members: string[];
}

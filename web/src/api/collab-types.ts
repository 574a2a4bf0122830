/** What the wiki, discussion, notification, tag and search routes answer (src/collab/*). */
export interface WikiLink {
  ref: string;
  kind: string;
  name: string;
  href: string;
  exists: boolean;
}
export interface WikiPageSummary {
  name: string;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}
export interface WikiPage extends WikiPageSummary {
  projectKey: string;
  content: string;
  html: string;
  links: WikiLink[];
}
export interface Attachment {
  page: string;
  fileName: string;
  size: number;
  contentType: string;
  createdAt: string;
  createdBy: string;
}
export interface Discussion {
  id: string;
  projectKey: string;
  object: string;
  title: string;
  status: 'open' | 'closed';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  replies: number;
}
export interface DiscussionThread extends Discussion {
  messages: { id: number; author: string; message: string; html: string; createdAt: string }[];
}
export interface Notification {
  id: number;
  projectKey: string;
  kind: string;
  title: string;
  message: string;
  link: string;
  createdAt: string;
  readAt: string | null;
}
export interface ObjectTags {
  kind: string;
  name: string;
  tags: string[];
  description: string;
}
export interface SearchHit {
  projectKey: string;
  kind: string;
  name: string;
  title: string;
  description: string;
  tags: string[];
  match: string | null;
  url: string;
}
export interface SearchResult {
  total: number;
  offset: number;
  limit: number;
  items: SearchHit[];
}

import { request, type APIRequestContext } from '@playwright/test';

export interface CreatedPost {
  id: number;
  link: string;
  title: { rendered: string };
}

/** A WordPress plugin as GET /wp/v2/plugins lists it. */
export interface PluginInfo {
  plugin: string;
  status: 'active' | 'inactive' | 'network-active';
  name: string;
  textdomain: string;
  version: string;
}

/**
 * REST access to the test site as admin. The Playground runtime logs in every new client as
 * admin on its first request; that request, then a nonce from admin-ajax.php is all it takes.
 */
export class RequestUtils {
  private constructor(
    readonly request: APIRequestContext,
    private readonly nonce: string,
  ) {}

  static async login(baseURL: string): Promise<RequestUtils> {
    const context = await request.newContext({ baseURL, timeout: 30_000 });
    // Any first request is auto-logged-in (302 with the cookies, back to the same URL); the
    // helper plugin's status route is the cheapest page to do it with.
    const login = await context.get('/wp-json/vip-presence-e2e/v1/status');
    const cookies = (await context.storageState()).cookies;
    if (!login.ok() || !cookies.some((cookie) => cookie.name.startsWith('wordpress_logged_in_'))) {
      throw new Error(`the auto-login did not log in as admin (status ${login.status()})`);
    }
    const nonceResponse = await context.get('/wp-admin/admin-ajax.php?action=rest-nonce');
    const nonce = (await nonceResponse.text()).trim();
    if (!nonceResponse.ok() || !/^[0-9a-f]{6,20}$/i.test(nonce)) {
      throw new Error(`no REST nonce (status ${nonceResponse.status()}: ${nonce.slice(0, 80)})`);
    }
    return new RequestUtils(context, nonce);
  }

  /** A REST call (route like /wp/v2/posts); throws with the answer on a non-2xx status. */
  async rest<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    route: string,
    data?: unknown,
  ): Promise<T> {
    const response = await this.request.fetch(`/wp-json${route}`, {
      method,
      headers: { 'X-WP-Nonce': this.nonce },
      ...(data === undefined ? {} : { data }),
    });
    if (!response.ok())
      throw new Error(
        `${method} ${route} answered ${response.status()}: ${(await response.text()).slice(0, 300)}`,
      );
    return (await response.json()) as T;
  }

  /** Creates a post (published unless said otherwise). */
  createPost({
    title,
    content = '',
    status = 'publish',
  }: {
    title: string;
    content?: string;
    status?: string;
  }): Promise<CreatedPost> {
    return this.rest<CreatedPost>('POST', '/wp/v2/posts', { title, content, status });
  }

  /** Creates a page (published unless said otherwise), with a page template if given. */
  createPage({
    title,
    content = '',
    status = 'publish',
    template,
  }: {
    title: string;
    content?: string;
    status?: string;
    template?: string;
  }): Promise<CreatedPost> {
    return this.rest<CreatedPost>('POST', '/wp/v2/pages', {
      title,
      content,
      status,
      ...(template ? { template } : {}),
    });
  }

  /**
   * Creates several posts and pages in one request (the REST batch endpoint, WordPress 5.6+): on
   * the Playground runtime every request costs a full WordPress bootstrap (about a second).
   */
  async createContent(
    items: {
      type?: 'posts' | 'pages';
      title: string;
      content?: string;
      status?: string;
      template?: string;
    }[],
  ): Promise<CreatedPost[]> {
    const { responses } = await this.rest<{
      responses: { status: number; body: unknown }[];
    }>('POST', '/batch/v1', {
      validation: 'require-all-validate',
      requests: items.map(
        ({ type = 'posts', title, content = '', status = 'publish', template }) => ({
          method: 'POST',
          path: `/wp/v2/${type}`,
          body: { title, content, status, ...(template ? { template } : {}) },
        }),
      ),
    });
    return responses.map((response, index) => {
      if (response.status < 200 || response.status > 299)
        throw new Error(
          `creating "${items[index]?.title}" answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`,
        );
      return response.body as CreatedPost;
    });
  }

  /** Updates site settings (/wp/v2/settings: the plugin's options are registered there). */
  updateSettings(settings: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.rest('POST', '/wp/v2/settings', settings);
  }

  /**
   * The plugin's options as stored (the helper plugin's route: no REST schema casting); the
   * secret as `{ sha256 }` only.
   */
  storedOptions(): Promise<Record<string, unknown>> {
    return this.rest('GET', '/vip-presence-e2e/v1/options');
  }

  /** Creates a user with a role and a password (to log in with through wp-login.php). */
  createUser(user: {
    username: string;
    password: string;
    roles: string[];
  }): Promise<{ id: number; username: string }> {
    return this.rest('POST', '/wp/v2/users', {
      ...user,
      email: `${user.username}@example.com`,
    });
  }

  /** Deletes a user, giving whatever they wrote to user 1 (the admin). */
  async deleteUser(id: number): Promise<void> {
    await this.rest('DELETE', `/wp/v2/users/${id}?force=true&reassign=1`);
  }

  async deletePost(id: number, type: 'posts' | 'pages' = 'posts'): Promise<void> {
    await this.rest('DELETE', `/wp/v2/${type}/${id}?force=true`);
  }

  getPlugins(): Promise<PluginInfo[]> {
    return this.rest<PluginInfo[]>('GET', '/wp/v2/plugins');
  }

  async dispose(): Promise<void> {
    await this.request.dispose();
  }
}

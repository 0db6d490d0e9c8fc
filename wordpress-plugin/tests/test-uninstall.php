<?php
/**
 * The plugin's uninstall.php, run by WordPress's own uninstall_plugin() as deleting the plugin does: every option
 * and cached answer gone, on every site of a network (phpunit-multisite.xml.dist runs it there).
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/plugin.php';

/**
 * Tests of uninstall.php.
 */
class VIP_Presence_Uninstall_Test extends VIP_Presence_Test_Case {

	/**
	 * Returns the names of the plugin's rows in the options table of the current site.
	 *
	 * @return string[]
	 */
	private function plugin_rows() {
		global $wpdb;
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery.DirectQuery, WordPress.DB.DirectDatabaseQuery.NoCaching -- what is left in the table itself.
		return $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s ORDER BY option_name", '%' . $wpdb->esc_like( 'vip_presence_' ) . '%' ) );
	}

	/**
	 * Runs a callable on a site (in a network; a single site is the only one).
	 *
	 * @param int      $site_id Blog id.
	 * @param callable $run     What to do there.
	 */
	private function on_site( $site_id, $run ) {
		if ( ! is_multisite() ) {
			call_user_func( $run );
			return;
		}
		switch_to_blog( $site_id );
		try {
			call_user_func( $run );
		} finally {
			restore_current_blog();
		}
	}

	/**
	 * @runInSeparateProcess
	 * @preserveGlobalState disabled
	 */
	public function test_deletes_the_options_and_cached_answers_of_every_site() {
		$sites = is_multisite()
			? get_sites(
				array(
					'fields' => 'ids',
					'number' => 0,
				)
			)
			: array( get_current_blog_id() );
		$this->assertCount( is_multisite() ? 2 : 1, $sites );
		foreach ( $sites as $site_id ) {
			$this->on_site(
				$site_id,
				function () {
					$this->connect_to_presence_server();
					update_option( 'vip_presence_api_url', self::presence_server()->url() );
					update_option( 'vip_presence_auto_insert', 'before' );
					update_option( 'vip_presence_post_types', array( 'post', 'page' ) );
					update_option( 'vip_presence_hide_below', 3 );
					update_option( 'vip_presence_hidden_tabs_minutes', 10 );
					self::presence_server()->answer( 200, '{"posts":[]}' );
					self::presence_server()->answer( 200, '{"counts":{"1":2}}' );
					self::presence_server()->answer( 200, '{"counts":{"1":2},"stats":{"1":{"count":2,"peak":2,"peakAt":1764300000123,"views":2}}}' );
					vip_presence_get_top_posts( 10 );
					vip_presence_get_live_counts( array( 1 ) );
					vip_presence_get_post_stats( array( 1 ) );
					$this->assertCount( 13, $this->plugin_rows(), 'seven options, three transients and their timeouts' );
				}
			);
		}

		$this->assertTrue( uninstall_plugin( VIP_Presence_Test_Site::PLUGIN_SLUG . '/vip-presence.php' ) );

		foreach ( $sites as $site_id ) {
			$this->on_site(
				$site_id,
				function () use ( $site_id ) {
					wp_cache_flush();
					$this->assertSame( array(), $this->plugin_rows(), 'site ' . $site_id );
					$this->assertFalse( get_transient( vip_presence_api_transient_name( 'top', '10', vip_presence_get_site_key() ) ) );
				}
			);
		}
	}
}

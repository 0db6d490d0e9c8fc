<?php
/**
 * Bots by the site's own rules: their pages show counts but do not count them.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/bots.php.
 */
class VIP_Presence_Bots_Test extends VIP_Presence_Test_Case {

	/**
	 * The User-Agent header of the request before the test.
	 *
	 * @var string|null
	 */
	private $user_agent = null;

	protected function setUp(): void {
		parent::setUp();
		$this->user_agent = isset( $_SERVER['HTTP_USER_AGENT'] ) ? $_SERVER['HTTP_USER_AGENT'] : null; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- saved to be put back.
	}

	protected function tearDown(): void {
		if ( null === $this->user_agent ) {
			unset( $_SERVER['HTTP_USER_AGENT'] );
		} else {
			$_SERVER['HTTP_USER_AGENT'] = $this->user_agent;
		}
		parent::tearDown();
	}

	/**
	 * The rule of a site that runs a crawler of its own: its User-Agent names "NewsroomCrawler".
	 *
	 * @param bool   $is_bot     Whether an earlier rule found a bot.
	 * @param string $user_agent User-Agent header.
	 * @return bool
	 */
	public function own_crawler_rule( $is_bot, $user_agent ) {
		return $is_bot || false !== strpos( $user_agent, 'NewsroomCrawler' );
	}

	/**
	 * Renders the widget on the single view of a new post, for a request with a User-Agent.
	 *
	 * @param string $user_agent User-Agent header.
	 * @return array{post_id: int, mode: string} The post and the widget's mode.
	 */
	private function widget_for( $user_agent ) {
		$_SERVER['HTTP_USER_AGENT'] = wp_slash( $user_agent );
		$post_id                    = $this->create_post();
		$this->go_to( get_permalink( $post_id ) );
		if ( ! wp_script_is( 'vip-presence-widget', 'registered' ) ) {
			$this->register_widget_script();
		}
		$element = $this->first_element( vip_presence_get_widget() );
		return array(
			'post_id' => $post_id,
			'mode'    => $element->getAttribute( 'data-vip-presence-mode' ),
		);
	}

	public function test_counts_every_reader_unless_a_rule_of_the_site_says_bot() {
		$this->configure();
		$_SERVER['HTTP_USER_AGENT'] = 'Mozilla/5.0 (compatible; NewsroomCrawler/2.1)';
		$this->assertFalse( vip_presence_is_bot(), 'no rule by default: the presence server knows the common crawlers' );
		$widget = $this->widget_for( 'Mozilla/5.0 (compatible; NewsroomCrawler/2.1)' );
		$this->assertSame( 'view', $widget['mode'] );
	}

	public function test_shows_a_bot_the_counts_without_counting_it_or_printing_its_token() {
		$this->configure();
		add_filter( 'vip_presence_is_bot', array( $this, 'own_crawler_rule' ), 10, 2 );

		$bot = $this->widget_for( 'Mozilla/5.0 (compatible; NewsroomCrawler/2.1)' );
		$this->assertSame( 'watch', $bot['mode'], 'the widget still shows the count' );
		$this->assertTrue( wp_script_is( 'vip-presence-widget', 'enqueued' ) );
		$this->assertNotContains( $bot['post_id'], vip_presence_page_post_ids(), 'no token of the post is printed' );

		$reader = $this->widget_for( 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' );
		$this->assertSame( 'view', $reader['mode'] );
		$this->assertContains( $reader['post_id'], vip_presence_page_post_ids() );
	}

	public function test_gives_the_filter_the_user_agent_as_the_browser_sent_it() {
		$seen = array();
		add_filter(
			'vip_presence_is_bot',
			function ( $is_bot, $user_agent ) use ( &$seen ) {
				$seen[] = $user_agent;
				return $is_bot;
			},
			10,
			2
		);
		$_SERVER['HTTP_USER_AGENT'] = wp_slash( 'Agent "quoted" \\ back' );
		vip_presence_is_bot();
		unset( $_SERVER['HTTP_USER_AGENT'] );
		vip_presence_is_bot();
		$this->assertSame( array( 'Agent "quoted" \\ back', '' ), $seen );
	}

	public function test_a_bot_is_never_counted_even_where_a_filter_asks_to_count() {
		$this->configure();
		add_filter( 'vip_presence_count_viewer', '__return_true' );
		add_filter( 'vip_presence_is_bot', '__return_true' );
		$this->assertFalse( vip_presence_counts_viewer( 42 ) );
	}
}

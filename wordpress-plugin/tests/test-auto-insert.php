<?php
/**
 * Automatic insertion: the_content of the main post, in the loop of its single view.
 *
 * @package vip-presence
 */

/**
 * Tests of includes/auto-insert.php.
 */
class VIP_Presence_Auto_Insert_Test extends VIP_Presence_Test_Case {

	/**
	 * Shows a post's single view and returns its content as the theme prints it, in the loop.
	 *
	 * @param int $post_id Post id.
	 * @return string The filtered content.
	 */
	private function content_of_single_view( $post_id ) {
		$this->go_to( get_permalink( $post_id ) );
		$this->assertTrue( have_posts() );
		the_post();
		return apply_filters( 'the_content', get_the_content() );
	}

	public function test_inserts_the_widget_after_the_content_of_a_single_post_by_default() {
		$this->configure();
		$this->register_widget_script();
		$post_id = $this->create_post( array( 'post_content' => 'Hello, readers.' ) );
		$this->assertSame(
			"<p>Hello, readers.</p>\n" . vip_presence_widget_markup( $post_id ),
			$this->content_of_single_view( $post_id )
		);
	}

	public function test_inserts_the_widget_before_the_content_when_chosen() {
		$this->configure();
		update_option( 'vip_presence_auto_insert', 'before' );
		$this->register_widget_script();
		$post_id = $this->create_post( array( 'post_content' => 'Hello, readers.' ) );
		$this->assertSame(
			vip_presence_widget_markup( $post_id ) . "<p>Hello, readers.</p>\n",
			$this->content_of_single_view( $post_id )
		);
	}

	public function test_inserts_nothing_when_off_outside_the_chosen_post_types_or_where_the_author_placed_it() {
		$this->configure();
		$this->register_widget_script();
		$page = $this->create_post(
			array(
				'post_type'    => 'page',
				'post_content' => 'A page.',
			)
		);
		$this->assertSame( "<p>A page.</p>\n", $this->content_of_single_view( $page ), 'pages are not chosen' );

		$placed = $this->create_post( array( 'post_content' => 'Before [vip_presence] after.' ) );
		$html   = $this->content_of_single_view( $placed );
		$this->assertSame( 1, substr_count( $html, 'class="vip-presence-widget"' ), 'the shortcode, not a second widget' );

		update_option( 'vip_presence_auto_insert', 'off' );
		$post_id = $this->create_post( array( 'post_content' => 'Hello, readers.' ) );
		$this->assertSame( "<p>Hello, readers.</p>\n", $this->content_of_single_view( $post_id ) );
	}

	public function test_inserts_nothing_into_the_content_of_other_posts_on_the_page() {
		$this->configure();
		$this->register_widget_script();
		$other   = $this->create_post( array( 'post_content' => 'Another post.' ) );
		$post_id = $this->create_post( array( 'post_content' => 'Hello, readers.' ) );
		$this->content_of_single_view( $post_id );
		// A related-posts list in the loop of the single view prints another post's content.
		$GLOBALS['post'] = get_post( $other ); // phpcs:ignore WordPress.WP.GlobalVariablesOverride.Prohibited -- what such a list does.
		setup_postdata( $GLOBALS['post'] );
		$this->assertSame( "<p>Another post.</p>\n", apply_filters( 'the_content', get_the_content() ) );
	}
}

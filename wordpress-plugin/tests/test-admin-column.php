<?php
/**
 * The live "Reading now" column of the posts lists.
 *
 * @package vip-presence
 */

require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
require_once ABSPATH . 'wp-admin/includes/screen.php';

/**
 * Tests of includes/admin-column.php.
 */
class VIP_Presence_Admin_Column_Test extends VIP_Presence_Test_Case {

	/**
	 * Loads the posts list of a post type as edit.php does, and returns its columns.
	 *
	 * @param string $post_type Post type.
	 * @return array<string, string> Column labels keyed by name.
	 */
	private function list_columns( $post_type ) {
		set_current_screen( 'edit-' . $post_type );
		do_action( 'load-edit.php' );
		return apply_filters(
			"manage_{$post_type}_posts_columns",
			array(
				'cb'    => '<input type="checkbox" />',
				'title' => 'Title',
				'date'  => 'Date',
			)
		);
	}

	public function test_renders_an_empty_column_cell_with_the_post_id() {
		$this->assertSame(
			'<span class="vip-presence-column" data-vip-presence-post-id="42"></span>',
			vip_presence_column_markup( 42 )
		);
		$this->assertSame( '', vip_presence_column_markup( 0 ) );
	}

	public function test_adds_the_reading_now_column_after_the_title() {
		$columns = vip_presence_add_posts_column(
			array(
				'cb'     => '<input type="checkbox" />',
				'title'  => 'Title',
				'author' => 'Author',
			)
		);
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'author' ), array_keys( $columns ) );
		$this->assertSame( 'Reading now', $columns['vip_presence'] );
	}

	public function test_adds_the_column_and_its_cells_to_the_lists_of_the_chosen_post_types() {
		$this->configure();
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'date' ), array_keys( $this->list_columns( 'post' ) ) );
		$post_id = $this->create_post();
		$this->expectOutputString( vip_presence_column_markup( $post_id ) );
		do_action( 'manage_post_posts_custom_column', 'vip_presence', $post_id );
		do_action( 'manage_post_posts_custom_column', 'author', $post_id );
	}

	public function test_adds_no_column_to_other_lists_or_while_unconfigured() {
		$this->assertSame( array( 'cb', 'title', 'date' ), array_keys( $this->list_columns( 'post' ) ), 'unconfigured' );
		$this->configure();
		$this->assertSame( array( 'cb', 'title', 'date' ), array_keys( $this->list_columns( 'page' ) ), 'pages are not chosen' );
		add_filter(
			'vip_presence_column_post_types',
			function () {
				return array( 'page' );
			}
		);
		$this->assertSame( array( 'cb', 'title', 'vip_presence', 'date' ), array_keys( $this->list_columns( 'page' ) ), 'chosen by the filter' );
	}
}

/** The reference guide's Java snippets: each file is compiled by the build and included into a page by its tags. */
package dev.asyncore.docs;

/** What the build runs to make generated pages of the guide (the property reference). */
package dev.asyncore.docs.build;

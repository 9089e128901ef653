package dev.pgroll4j.spring.slices;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** What the slices find as the application, as in a real project; its package is where JPA looks for entities. */
@SpringBootApplication
class SliceTestApplication {

}
